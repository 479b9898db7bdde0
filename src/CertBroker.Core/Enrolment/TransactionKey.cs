using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// The key a message's transaction is stored under. Normally the transactionID as sent. A message signed by a
/// certificate this CA issued is a renewal, and clients that keep their key (micromdm) reuse the transactionID they
/// enrolled with, because it is a hash of that key: the renewal is then its own transaction, keyed by the
/// transactionID and the serial of the certificate being renewed, so its re-sends find it and it never returns the
/// certificate it replaces.
/// </summary>
public readonly record struct TransactionKey(string Value, CertificateRecord? SignerCertificate)
{
    /// <param name="request">The message.</param>
    /// <param name="caChain">The profile's CA chain: only a signer its issuing CA (the chain's first certificate)
    /// signed, with a signature that verifies, can authorise a renewal; other signers (the throwaway self-signed
    /// certificate of every first enrolment, a look-alike with our CA's name, one of the root's) need no look-up.</param>
    /// <param name="trustedRaThumbprints">The profile's trusted RAs (SHA-256, hex): their requests are never renewals.</param>
    /// <param name="certificates">The certificate store.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    public static async Task<TransactionKey> ResolveAsync(
        PkiMessage request, IReadOnlyList<X509Certificate2> caChain, IReadOnlyCollection<string> trustedRaThumbprints, ICertificateStore certificates, CancellationToken cancellationToken)
    {
        if (trustedRaThumbprints.Count > 0
            && trustedRaThumbprints.Contains(Convert.ToHexString(SHA256.HashData(request.SignerCertificate.RawData.Span)), StringComparer.OrdinalIgnoreCase))
        {
            // A registration authority relays devices' requests: its certificate signs them, it does not renew itself.
            return new TransactionKey(request.TransactionId, null);
        }

        X509Certificate2 issuer = caChain[0];
        if (!request.SignerCertificate.IssuerName.Span.SequenceEqual(issuer.SubjectName.RawData)
            || !CertificateSignature.IsSignedBy(request.SignerCertificate.RawData, issuer))
        {
            return new TransactionKey(request.TransactionId, null);
        }

        string thumbprint = Convert.ToHexStringLower(SHA256.HashData(request.SignerCertificate.RawData.Span));
        CertificateRecord? signer = await certificates.FindByThumbprintAsync(thumbprint, cancellationToken).ConfigureAwait(false);
        return signer is null
            ? new TransactionKey(request.TransactionId, null)
            : new TransactionKey(StoredTransactionId.ForRenewal(request.TransactionId, signer.Serial), signer);
    }
}
