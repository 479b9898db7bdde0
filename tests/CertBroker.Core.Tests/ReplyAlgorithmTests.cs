using System.Security.Cryptography;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Tests;

/// <summary>
/// The reply is enveloped with the request's cipher and signed with its digest: a client that only knows what it sent
/// can open and check it (micromdm: DES and SHA-1; certmonger: AES-256; sscep: AES-128 and SHA-512).
/// </summary>
public sealed class ReplyAlgorithmTests(CaFixture ca) : IClassFixture<CaFixture>
{
    public static TheoryData<string, string> CipherAndDigest()
    {
        var data = new TheoryData<string, string>();
        foreach (string cipher in new[] { Oids.DesCbc, Oids.DesEde3Cbc, Oids.Aes128Cbc, Oids.Aes256Cbc })
        {
            foreach (string digest in new[] { "SHA1", "SHA256", "SHA512" })
            {
                data.Add(cipher, digest);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CipherAndDigest))]
    public async Task PkcsReq_CipherAndDigest_ReplyUsesTheSame(string cipherOid, string digestName)
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        var cipher = ContentEncryptionAlgorithm.FromOid(cipherOid);
        var digest = new HashAlgorithmName(digestName);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge), cipher: cipher, digest: digest);

        CertRepContent reply = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        Assert.Same(cipher, reply.Algorithm);
        Assert.Equal(digest, reply.Message.Signature.Digest);
        Assert.Equal("CN=laptop-12", reply.Certificates[0].Subject);
        EnrolmentTransaction? transaction = await scep.Stores.Enrolments.FindTransactionAsync(BrokerOptions.DefaultProfileName, request.TransactionId, CancellationToken.None);
        Assert.Equal(cipher.Name, transaction?.ContentEncryptionAlgorithm);
        Assert.Equal(DigestAlgorithms.DisplayName(digest), transaction?.DigestAlgorithm);
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    [InlineData("SHA512")]
    public async Task PkcsReq_RefusedWithDigest_FailureSignedWithTheSameDigest(string digestName)
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        var digest = new HashAlgorithmName(digestName);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", "wrong"), digest: digest);

        PkiMessage reply = ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);

        Assert.Equal(digest, reply.Signature.Digest);
    }

    [Theory]
    [InlineData(Oids.DesCbc)]
    [InlineData(Oids.Aes256Cbc)]
    public async Task CertPoll_Cipher_ReplyUsesTheSame(string cipherOid)
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));
        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);
        var cipher = ContentEncryptionAlgorithm.FromOid(cipherOid);
        byte[] issuerAndSubject = PkiRequest.IssuerAndSubject(scep.CaCertificate.SubjectName, new("CN=laptop-12"));

        ClientMessage poll = scep.Client.Write(MessageType.CertPoll, issuerAndSubject, device.SelfSigned, device.Key, device.TransactionId, cipher);
        CertRepContent reply = ReplyAssert.Success(poll, await scep.SendAsync(poll), scep.Ra);

        Assert.Same(cipher, reply.Algorithm);
    }
}
