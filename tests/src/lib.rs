//! Loopback Alter backend (being written).
