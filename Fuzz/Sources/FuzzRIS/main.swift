import FuzzSupport

/// One input through the RIS reader (see scripts/fuzz.sh).
Fuzz.main { data, size in
    Fuzz.read(data, size, as: .ris)
}
