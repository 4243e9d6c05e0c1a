// RelayGenerate
