//! RecCloud speech-to-text, subtitles and video translation provider for mediatask.
