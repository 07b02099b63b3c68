//! Unit tests of the Discovery conversion.
