using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>Field-by-field comparison: record equality would compare the byte arrays by reference.</summary>
internal static class RecordAssert
{
    public static void SameTransaction(EnrolmentTransaction expected, EnrolmentTransaction? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Profile, actual.Profile);
        Assert.Equal(expected.TransactionId, actual.TransactionId);
        Assert.Equal(expected.MessageType, actual.MessageType);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.PublicKeySha256, actual.PublicKeySha256);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.RequesterAddress, actual.RequesterAddress);
        Assert.Equal(expected.ContentEncryptionAlgorithm, actual.ContentEncryptionAlgorithm);
        Assert.Equal(expected.DigestAlgorithm, actual.DigestAlgorithm);
        Assert.Equal(expected.SignatureAlgorithm, actual.SignatureAlgorithm);
        Assert.Equal(expected.FailInfo, actual.FailInfo);
        Assert.Equal(expected.CertificationRequest, actual.CertificationRequest);
        Assert.Equal(expected.CertificateSerial, actual.CertificateSerial);
        SameInstant(expected.CreatedAt, actual.CreatedAt);
        SameInstant(expected.UpdatedAt, actual.UpdatedAt);
    }

    public static void SameCertificate(CertificateRecord expected, CertificateRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Serial, actual.Serial);
        Assert.Equal(expected.Profile, actual.Profile);
        Assert.Equal(expected.Issuer, actual.Issuer);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.SubjectAlternativeNames, actual.SubjectAlternativeNames);
        SameInstant(expected.NotBefore, actual.NotBefore);
        SameInstant(expected.NotAfter, actual.NotAfter);
        Assert.Equal(expected.KeyAlgorithm, actual.KeyAlgorithm);
        Assert.Equal(expected.KeySize, actual.KeySize);
        Assert.Equal(expected.SignatureAlgorithm, actual.SignatureAlgorithm);
        Assert.Equal(expected.ThumbprintSha256, actual.ThumbprintSha256);
        Assert.Equal(expected.PublicKeySha256, actual.PublicKeySha256);
        Assert.Equal(expected.Der, actual.Der);
        Assert.Equal(expected.TransactionId, actual.TransactionId);
        SameInstant(expected.IssuedAt, actual.IssuedAt);
        SameInstant(expected.RevokedAt, actual.RevokedAt);
        Assert.Equal(expected.RevocationReason, actual.RevocationReason);
    }

    /// <summary>The same instant, handed back in UTC.</summary>
    public static void SameInstant(DateTimeOffset? expected, DateTimeOffset? actual)
    {
        Assert.Equal(expected?.UtcDateTime, actual?.UtcDateTime);
        if (actual is { } value)
        {
            Assert.Equal(TimeSpan.Zero, value.Offset);
        }
    }
}
