"""imsalg: end-to-access-edge TLS protection of MSRP for IMS.

The P-CSCF's IMS-ALG part (SDP rules for RFC 4145 roles, RFC 8122 fingerprints and
TCP/TLS/MSRP ↔ TCP/MSRP, driving an IMS-AGW over Iq/H.248) and a minimal IMS-AGW
that relays MSRP between a fingerprint-authenticated TLS leg and a plain TCP leg.
The SDP, H.248, Iq and ALG layers perform no I/O.
"""

__version__ = "0.1.0"
