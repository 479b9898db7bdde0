using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Core.Names;

/// <summary>A request's public key imported and exported again, so the certificate carries the broker's encoding of it.</summary>
public static class PublicKeys
{
    /// <exception cref="ScepFailureException">badAlg for a key that is neither RSA nor EC, or does not import.</exception>
    public static PublicKey Reencode(CertificationRequest csr)
    {
        ArgumentNullException.ThrowIfNull(csr);
        try
        {
            PublicKey key = csr.GetPublicKey();
            switch (key.Oid.Value)
            {
                case Oids.RsaEncryption:
                    using (RSA rsa = RSA.Create())
                    {
                        rsa.ImportSubjectPublicKeyInfo(csr.SubjectPublicKeyInfo, out _);
                        return PublicKey.CreateFromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
                    }

                case Oids.EcPublicKey:
                    using (ECDsa ecdsa = ECDsa.Create())
                    {
                        ecdsa.ImportSubjectPublicKeyInfo(csr.SubjectPublicKeyInfo, out _);
                        if (!ecdsa.ExportParameters(includePrivateParameters: false).Curve.IsNamed)
                        {
                            throw new ScepFailureException(FailInfo.BadAlg, "An EC key with explicit curve parameters is not issued.");
                        }

                        return PublicKey.CreateFromSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo(), out _);
                    }

                default:
                    throw new ScepFailureException(FailInfo.BadAlg, $"Public key algorithm {key.Oid.Value} is not issued.");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // OpenSSL reports a named curve it does not have as PlatformNotSupportedException.
            throw new ScepFailureException(FailInfo.BadAlg, "The public key in the certification request does not import.", ex);
        }
    }
}
