using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.LoadGen;

/// <summary>
/// A device key with the self-signed certificate it signs its first request with (RFC 8894 §2.3), and that the
/// server encrypts its reply to.
/// </summary>
public sealed class DeviceIdentity : IDisposable
{
    private DeviceIdentity(RSA key, X509Certificate2 certificate)
    {
        Key = key;
        Certificate = certificate;
    }

    public RSA Key { get; }

    public X509Certificate2 Certificate { get; }

    public static DeviceIdentity Create(string subject, DateTimeOffset now)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        return new DeviceIdentity(key, request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}

/// <summary>One PKCSReq, built before the run so that sending it costs the client nothing but I/O.</summary>
/// <param name="Index">Position across warm-up and timed requests.</param>
/// <param name="TransactionId">Distinct for every request: a server answers a repeated one with the first certificate.</param>
/// <param name="Subject">The CSR subject, distinct for every request.</param>
/// <param name="SenderNonce">Echoed back as recipientNonce.</param>
/// <param name="Device">The key the CSR names and the reply is encrypted to.</param>
/// <param name="Body">The DER pkiMessage.</param>
/// <param name="GetUri">The GET PKIOperation URL with the message in the query, when sending by GET.</param>
public sealed record PreparedRequest(
    int Index, string TransactionId, X500DistinguishedName Subject, byte[] SenderNonce, DeviceIdentity Device, byte[] Body, Uri? GetUri);

/// <summary>Builds distinct PKCSReq messages for a run: CN=loadgen-RUN-INDEX, transactionID RUN-INDEX.</summary>
public sealed class RequestFactory
{
    private readonly LoadOptions _options;
    private readonly CaMaterial _ca;
    private readonly IReadOnlyList<DeviceIdentity> _devices;
    private readonly TimeProvider _time;

    public RequestFactory(LoadOptions options, CaMaterial ca, IReadOnlyList<DeviceIdentity> devices, TimeProvider time)
    {
        _options = options;
        _ca = ca;
        _devices = devices;
        _time = time;
        RunId = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
    }

    /// <summary>Eight hex digits naming this run in subjects and transactionIDs.</summary>
    public string RunId { get; }

    /// <summary>Requests <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1, using every core.</summary>
    public PreparedRequest[] Prepare(int first, int count, CancellationToken cancellationToken)
    {
        var requests = new PreparedRequest[count];

        // One task per device key: an RSA instance is not promised to be safe for concurrent use.
        Parallel.For(
            0,
            _devices.Count,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            device =>
            {
                for (int slot = device; slot < count; slot += _devices.Count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    requests[slot] = Build(first + slot, _devices[(first + slot) % _devices.Count]);
                }
            });
        return requests;
    }

    private PreparedRequest Build(int index, DeviceIdentity device)
    {
        string name = $"{RunId}-{index:D6}";
        var subject = new X500DistinguishedName($"CN=loadgen-{name}");
        byte[] senderNonce = RandomNumberGenerator.GetBytes(16);
        byte[] body = PkiRequest.Write(
            MessageType.PkcsReq,
            name,
            senderNonce,
            Csr(subject, device.Key),
            [_ca.Encryption],
            _options.Cipher,
            new CmsSigner(device.Certificate, device.Key, HashAlgorithmName.SHA256),
            _time.GetUtcNow());
        Uri? getUri = _options.Method == ScepHttpMethod.Get
            ? ScepClient.OperationUri(_options.Url, "PKIOperation", MessageEncoding.EncodeQueryValue(body))
            : null;
        return new PreparedRequest(index, name, subject, senderNonce, device, body, getUri);
    }

    // PKCS#10 with the challengePassword attribute (RFC 2985 §5.4.1), as a device enrolling with a shared secret sends.
    private byte[] Csr(X500DistinguishedName subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, _options.Challenge);
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, writer.Encode()));
        return request.CreateSigningRequest();
    }
}
