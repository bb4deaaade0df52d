import FuzzSupport

/// One input through the JATS reader (see scripts/fuzz.sh).
Fuzz.main { data, size in
    Fuzz.read(data, size, as: .jats)
}
