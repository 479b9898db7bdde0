namespace CertBroker.Core.Inventory;

/// <summary>An import refused as a whole: a certificate claims the profile's CA as issuer without its signature.</summary>
public sealed class ImportRefusedException(string message) : Exception(message);
