//! Generated tools (being written).
