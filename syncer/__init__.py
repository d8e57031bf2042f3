"""The sopsync worker: sheet contract, transition engine, working calendar, backends, cycle."""
