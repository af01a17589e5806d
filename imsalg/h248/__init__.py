"""imsalg.h248"""
