package main

// Version is the engine version, reported to Python as alopex.__engine_version__.
const Version = "0.1.0"
