//! Vozo translate & dub and lip-sync provider for mediatask.
