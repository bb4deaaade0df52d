import FuzzSupport

/// Read → write (every format) → read → write (see scripts/fuzz.sh).
Fuzz.main { data, size in
    Fuzz.roundTrip(data, size)
}
