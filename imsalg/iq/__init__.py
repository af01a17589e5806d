"""imsalg.iq"""
