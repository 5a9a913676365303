//! SenseTime SoftSugar 2D digital-human provider for mediatask.
