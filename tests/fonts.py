"""The Noto family each language must be set in, on screen and on paper (the test oracle for
`assets/fonts.mjs`: written out here, not read from it)."""

FAMILY = {
    "en": "Noto Sans",
    "ar": "Noto Naskh Arabic",
    "ur": "Noto Nastaliq Urdu",
    "ps": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "pa": "Noto Sans Gurmukhi",
    "gu": "Noto Sans Gujarati",
    "bn": "Noto Sans Bengali",
    "pl": "Noto Sans",
    "ro": "Noto Sans",
    "bg": "Noto Sans",
    "pt": "Noto Sans",
    "uk": "Noto Sans",
}
