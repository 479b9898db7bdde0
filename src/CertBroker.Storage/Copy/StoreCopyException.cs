namespace CertBroker.Storage.Copy;

/// <summary>A copy refused before it wrote anything: the source is missing, or not at the schema version this build reads.</summary>
public sealed class StoreCopyException(string message) : Exception(message);
