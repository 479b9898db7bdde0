using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep;

/// <summary>What a CertRep carried, as the client sees it.</summary>
/// <param name="Message">The signed message with status, failInfo, nonces and signer.</param>
/// <param name="Certificates">Certificates of a SUCCESS, issued certificate first as the server sent them.</param>
/// <param name="Crls">CRLs of a SUCCESS answering GetCRL.</param>
/// <param name="Algorithm">Content-encryption algorithm of a SUCCESS.</param>
public sealed record CertRepContent(
    PkiMessage Message,
    IReadOnlyList<X509Certificate2> Certificates,
    IReadOnlyList<byte[]> Crls,
    ContentEncryptionAlgorithm? Algorithm);
