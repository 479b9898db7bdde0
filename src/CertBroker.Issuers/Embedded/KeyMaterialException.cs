namespace CertBroker.Issuers.Embedded;

/// <summary>
/// CA or RA material that cannot be used: a missing or unreadable file, a key that does not match its certificate,
/// an RA certificate the CA did not issue. The message names the file and says what to fix; start-up stops.
/// </summary>
public sealed class KeyMaterialException : Exception
{
    public KeyMaterialException(string message)
        : base(message)
    {
    }

    public KeyMaterialException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
