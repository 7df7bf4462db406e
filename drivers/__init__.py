"""Talk to receivers. Open one by URL with :func:`drivers.registry.open_receiver`."""
