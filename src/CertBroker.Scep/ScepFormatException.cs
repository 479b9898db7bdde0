namespace CertBroker.Scep;

/// <summary>
/// The input is not a SCEP message we can parse. The message text is for logs only: clients get a fixed short answer.
/// </summary>
public sealed class ScepFormatException : Exception
{
    public ScepFormatException(string message)
        : base(message)
    {
    }

    public ScepFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
