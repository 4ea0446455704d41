"""评星定级: the yearly star rating of community party organisations."""
