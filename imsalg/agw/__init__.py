"""imsalg.agw"""
