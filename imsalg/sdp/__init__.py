"""imsalg.sdp"""
