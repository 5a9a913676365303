//! Stateful local emulators of every mediatask vendor API, with fault injection.
