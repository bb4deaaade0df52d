import FuzzSupport

/// One input through the Profile reader (see scripts/fuzz.sh).
Fuzz.main { data, size in
    Fuzz.read(data, size, as: .profile)
}
