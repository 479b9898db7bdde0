namespace CertBroker.Core.Backends;

/// <summary>The upstream's admin page gave no one-time password.</summary>
public sealed class UpstreamChallengeException(string message, Exception? innerException = null) : Exception(message, innerException);
