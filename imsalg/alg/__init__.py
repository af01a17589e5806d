"""imsalg.alg"""
