namespace CertBroker.Core.Profiles;

/// <summary>How a profile applies the weak-crypto policy (<c>CertBroker:Profiles:&lt;name&gt;:WeakCrypto</c>).</summary>
public enum WeakCryptoMode
{
    /// <summary>Nothing is checked and nothing is recorded.</summary>
    Off,

    /// <summary>Requests are served; findings are recorded on the certificate and logged. The default.</summary>
    Flag,

    /// <summary>
    /// A request with a FAIL finding gets a signed CertRep FAILURE (badAlg for algorithms, badRequest for keys);
    /// WARN and INFO findings are recorded as in <see cref="Flag"/>. GetCACaps stops advertising what FAILs.
    /// </summary>
    Enforce,
}
