using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Tests.Support;

/// <summary>Reads a DER CertificateList (RFC 5280 §5.1) as a relying party would: signature, issuer, revoked serials.</summary>
internal sealed class Crl
{
    private Crl(byte[] signedPart, string signatureAlgorithm, byte[] signature, X500DistinguishedName issuer, IReadOnlyList<string> revokedSerials)
    {
        SignedPart = signedPart;
        SignatureAlgorithm = signatureAlgorithm;
        Signature = signature;
        Issuer = issuer;
        RevokedSerials = revokedSerials;
    }

    public X500DistinguishedName Issuer { get; }

    /// <summary>Serials as the store writes them: lower-case hex without leading zero bytes.</summary>
    public IReadOnlyList<string> RevokedSerials { get; }

    private byte[] SignedPart { get; }

    private string SignatureAlgorithm { get; }

    private byte[] Signature { get; }

    public static Crl Parse(byte[] der)
    {
        AsnReader certificateList = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        byte[] tbs = certificateList.PeekEncodedValue().ToArray();
        AsnReader tbsReader = certificateList.ReadSequence();
        string algorithm = certificateList.ReadSequence().ReadObjectIdentifier();
        byte[] signature = certificateList.ReadBitString(out _);

        if (tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbsReader.ReadInteger(); // version
        }

        tbsReader.ReadSequence(); // signature algorithm
        var issuer = new X500DistinguishedName(tbsReader.ReadEncodedValue().Span);
        tbsReader.ReadEncodedValue(); // thisUpdate
        if (tbsReader.HasData && (tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
        {
            tbsReader.ReadEncodedValue(); // nextUpdate
        }

        var serials = new List<string>();
        if (tbsReader.HasData && tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            AsnReader revoked = tbsReader.ReadSequence();
            while (revoked.HasData)
            {
                AsnReader entry = revoked.ReadSequence();
                serials.Add(CertificateRecords.SerialHex(entry.ReadIntegerBytes().Span));
            }
        }

        return new Crl(tbs, algorithm, signature, issuer, serials);
    }

    /// <summary>Whether <paramref name="ca"/>'s key made the signature (sha256WithRSAEncryption, as the embedded CA signs).</summary>
    public bool IsSignedBy(X509Certificate2 ca)
    {
        const string sha256WithRsa = "1.2.840.113549.1.1.11";
        using RSA key = ca.GetRSAPublicKey()!;
        return SignatureAlgorithm == sha256WithRsa
            && key.VerifyData(SignedPart, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
