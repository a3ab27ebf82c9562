/** Registers every built-in output type (imported once by the CLI). One line per output. */
