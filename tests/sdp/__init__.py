"""Tests of imsalg.sdp: line model, typed readers, roles, the sdp-transform adapter."""
