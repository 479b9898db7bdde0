namespace CertBroker.Core.Names;

/// <summary>A subject or subjectAltName the broker cannot parse: the request is refused whatever the profile says.</summary>
public sealed class NameFormatException(string message, Exception? inner = null) : Exception(message, inner);
