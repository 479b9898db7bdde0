namespace CertBroker.Scep;

/// <summary>
/// A message that was parsed and whose signer is known, but that cannot be processed; the server answers with a
/// signed CertRep FAILURE carrying <see cref="FailInfo"/>.
/// </summary>
public sealed class ScepFailureException : Exception
{
    public ScepFailureException(FailInfo failInfo, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FailInfo = failInfo;
    }

    public FailInfo FailInfo { get; }
}
