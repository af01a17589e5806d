"""Tests of imsalg.transport: TPKT framing, UDP and TCP endpoints, DNS location, failover."""
