//! Run long AI media jobs on many vendors through one async task interface.
