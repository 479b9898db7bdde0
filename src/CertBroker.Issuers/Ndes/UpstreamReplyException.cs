using CertBroker.Scep;

namespace CertBroker.Issuers.Ndes;

/// <summary>A CertRep the broker cannot trust or open: wrong signer, bad signature, wrong transaction or nonce, no decryption.</summary>
public sealed class UpstreamReplyException(string message, Exception? innerException = null) : Exception(message, innerException);
