using System.Security.Cryptography;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// The key a message's transaction is stored under. Normally the transactionID as sent. A message signed by a
/// certificate this CA issued is a renewal, and clients that keep their key (micromdm) reuse the transactionID they
/// enrolled with, because it is a hash of that key: the renewal is then its own transaction, keyed by the
/// transactionID and the serial of the certificate being renewed, so its re-sends find it and it never returns the
/// certificate it replaces.
/// </summary>
internal readonly record struct TransactionKey(string Value, CertificateRecord? SignerCertificate)
{
    public static async Task<TransactionKey> ResolveAsync(PkiMessage request, ICertificateStore certificates, CancellationToken cancellationToken)
    {
        string thumbprint = Convert.ToHexStringLower(SHA256.HashData(request.Signer.RawData));
        CertificateRecord? signer = await certificates.FindByThumbprintAsync(thumbprint, cancellationToken).ConfigureAwait(false);
        return signer is null
            ? new TransactionKey(request.TransactionId, null)
            : new TransactionKey($"{request.TransactionId}#renewal:{signer.Serial}", signer);
    }
}
