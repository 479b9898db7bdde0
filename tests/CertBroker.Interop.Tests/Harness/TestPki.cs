using System.Formats.Asn1;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// A CA with an NDES-style pair of RA certificates (one signing-only, one encryption-only), and a tiny
/// HTTP responder that serves them for GetCACert: enough to check the harness's own certificate handling
/// against real clients without a SCEP server.
/// </summary>
public sealed class TestPki : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    private TestPki(X509Certificate2 ca, X509Certificate2 signingRa, X509Certificate2 encryptionRa)
    {
        Ca = ca;
        SigningRa = signingRa;
        EncryptionRa = encryptionRa;
        GetCaCertBody = DegenerateSignedData([signingRa, encryptionRa, ca]);

        var port = FreePort();
        BaseAddress = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseAddress);
        _listener.Start();
        _serving = ServeAsync();
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 SigningRa { get; }

    public X509Certificate2 EncryptionRa { get; }

    /// <summary>What GetCACert answers: CA and both RA certificates as a degenerate PKCS#7.</summary>
    public byte[] GetCaCertBody { get; }

    public string BaseAddress { get; }

    public string ScepUrl => BaseAddress + "scep";

    public static TestPki Create()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Harness Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        X509Certificate2 Ra(string name, X509KeyUsageFlags usage, byte serial)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
            using var issued = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), [serial]);
            return X509CertificateLoader.LoadCertificate(issued.RawData);
        }

        return new TestPki(
            X509CertificateLoader.LoadCertificate(ca.RawData),
            Ra("Harness RA Signing", X509KeyUsageFlags.DigitalSignature, 1),
            Ra("Harness RA Encryption", X509KeyUsageFlags.KeyEncipherment, 2));
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: on Unix, Close after Stop removes the listener a second time, which binds its port again for a
        // moment and fails when another listener has taken the port since.
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>ContentInfo/SignedData with certificates and no signers (RFC 8894 section 4.2.1.2).</summary>
    public static byte[] DegenerateSignedData(IEnumerable<X509Certificate2> certificates)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.7.2");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                }

                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    foreach (var certificate in certificates)
                    {
                        writer.WriteEncodedValue(certificate.RawData);
                    }
                }

                using (writer.PushSetOf())
                {
                }
            }
        }

        return writer.Encode();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            var operation = context.Request.QueryString["operation"];
            var (contentType, body) = operation switch
            {
                "GetCACert" => ("application/x-x509-ca-ra-cert", GetCaCertBody),
                "GetCACaps" => ("text/plain", "AES\nDES3\nSHA-256\nSHA-384\nPOSTPKIOperation\nRenewal\nSCEPStandard"u8.ToArray()),
                _ => ("text/plain", "unsupported"u8.ToArray()),
            };
            context.Response.StatusCode = operation is "GetCACert" or "GetCACaps" ? 200 : 400;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
