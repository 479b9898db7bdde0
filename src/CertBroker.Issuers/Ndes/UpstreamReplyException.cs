using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Issuers.Ndes;

/// <summary>A CertRep the broker cannot trust or open: wrong signer, bad signature, wrong transaction or nonce, no decryption.</summary>
public sealed class UpstreamReplyException(string message, Exception? innerException = null) : Exception(message, innerException);
