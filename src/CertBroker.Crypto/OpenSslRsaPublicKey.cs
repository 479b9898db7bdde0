using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CertBroker.Crypto;

/// <summary>
/// An RSA public key held as a low-level OpenSSL <c>RSA</c> object instead of an <c>EVP_PKEY</c>.
/// </summary>
/// <remarks>
/// OpenSSL 3 imports a key into an <c>EVP_PKEY</c> in about 140 µs, seven times the signature check it is imported for;
/// <c>RSA_new</c> and <c>RSA_set0_key</c> take about 5 µs (docs/decisions.md §14). Public operations only: PKCS#1 v1.5
/// natively, PSS and OAEP through a .NET key made on first use. Where libcrypto 3 cannot be loaded,
/// <see cref="Import"/> returns an ordinary .NET key.
/// </remarks>
public sealed partial class OpenSslRsaPublicKey : RSA
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int Pkcs1Padding = 1;

    // rsaEncryption (RFC 8017 Appendix C); CertBroker.Scep.Oids is out of reach, as Scep references this project.
    private const string RsaEncryption = "1.2.840.113549.1.1.1";

    private static readonly bool Available = ProbeLibrary();

    private readonly RsaHandle _handle;
    private readonly RSAParameters _parameters;
    private RSA? _fallback;

    private OpenSslRsaPublicKey(RsaHandle handle, RSAParameters parameters)
    {
        _handle = handle;
        _parameters = parameters;
        KeySizeValue = ModulusBits(parameters.Modulus!);
        LegalKeySizesValue = [new KeySizes(512, 16384, 8)];
    }

    /// <summary>The RSA public key of <paramref name="subjectPublicKeyInfo"/>.</summary>
    /// <exception cref="CryptographicException">Not a well-formed RSA SubjectPublicKeyInfo.</exception>
    public static RSA Import(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        if (!Available)
        {
            RSA rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return rsa;
        }

        RSAParameters parameters = ReadParameters(subjectPublicKeyInfo);
        return new OpenSslRsaPublicKey(CreateHandle(parameters), parameters);
    }

    public override RSAParameters ExportParameters(bool includePrivateParameters) =>
        includePrivateParameters
            ? throw new CryptographicException("This key holds no private part.")
            : new RSAParameters { Modulus = (byte[])_parameters.Modulus!.Clone(), Exponent = (byte[])_parameters.Exponent!.Clone() };

    public override void ImportParameters(RSAParameters parameters) =>
        throw new CryptographicException("This key is immutable; import a new one with OpenSslRsaPublicKey.Import.");

    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(signature);
        return VerifyHash(hash.AsSpan(), signature.AsSpan(), hashAlgorithm, padding);
    }

    public override bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        int nid = DigestNid(hashAlgorithm);
        if (padding != RSASignaturePadding.Pkcs1 || nid == 0)
        {
            return Fallback.VerifyHash(hash, signature, hashAlgorithm, padding);
        }

        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int result = RSA_verify(nid, hash, (uint)hash.Length, signature, (uint)signature.Length, _handle.DangerousGetHandle());
            if (result != 1)
            {
                // A bad signature leaves errors on OpenSSL's per-thread queue; later operations must not see them.
                ERR_clear_error();
            }

            return result == 1;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public override byte[] Encrypt(byte[] data, RSAEncryptionPadding padding)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(padding);
        if (padding != RSAEncryptionPadding.Pkcs1)
        {
            return Fallback.Encrypt(data, padding);
        }

        int size = (KeySize + 7) / 8;
        if (data.Length > size - 11)
        {
            throw new CryptographicException($"PKCS#1 v1.5 encryption takes at most {size - 11} bytes with this key.");
        }

        byte[] output = new byte[size];
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int written = RSA_public_encrypt(data.Length, data, output, _handle.DangerousGetHandle(), Pkcs1Padding);
            if (written != size)
            {
                ERR_clear_error();
                throw new CryptographicException("RSA encryption failed.");
            }

            return output;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public override byte[] Decrypt(byte[] data, RSAEncryptionPadding padding) =>
        throw new CryptographicException("This key holds no private part.");

    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        throw new CryptographicException("This key holds no private part.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _handle.Dispose();
            _fallback?.Dispose();
        }

        base.Dispose(disposing);
    }

    private RSA Fallback
    {
        get
        {
            if (_fallback is { } existing)
            {
                return existing;
            }

            RSA created = RSA.Create(_parameters);
            return Interlocked.CompareExchange(ref _fallback, created, null) is { } raced ? DisposeAndReturn(created, raced) : created;
        }
    }

    private static RSA DisposeAndReturn(RSA loser, RSA winner)
    {
        loser.Dispose();
        return winner;
    }

    private static RSAParameters ReadParameters(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        try
        {
            var outer = new AsnReader(subjectPublicKeyInfo.ToArray(), AsnEncodingRules.DER);
            AsnReader spki = outer.ReadSequence();
            if (outer.HasData)
            {
                throw new CryptographicException("Trailing data after the SubjectPublicKeyInfo.");
            }

            AsnReader algorithm = spki.ReadSequence();
            if (algorithm.ReadObjectIdentifier() != RsaEncryption)
            {
                throw new CryptographicException("Not an RSA public key.");
            }

            byte[] keyBits = spki.ReadBitString(out int unused);
            if (unused != 0 || spki.HasData)
            {
                throw new CryptographicException("Malformed RSA public key.");
            }

            var reader = new AsnReader(keyBits, AsnEncodingRules.DER);
            AsnReader key = reader.ReadSequence();
            byte[] modulus = Unsigned(key.ReadIntegerBytes().Span);
            byte[] exponent = Unsigned(key.ReadIntegerBytes().Span);
            if (key.HasData || reader.HasData || modulus.Length == 0 || exponent.Length == 0 || (modulus[^1] & 1) == 0)
            {
                throw new CryptographicException("Malformed RSA public key.");
            }

            return new RSAParameters { Modulus = modulus, Exponent = exponent };
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("Malformed RSA public key.", ex);
        }
    }

    /// <summary>The magnitude of a DER INTEGER: a negative one is refused, a leading zero octet dropped.</summary>
    private static byte[] Unsigned(ReadOnlySpan<byte> integer)
    {
        if (integer.IsEmpty || (integer[0] & 0x80) != 0)
        {
            throw new CryptographicException("Malformed RSA public key.");
        }

        return (integer[0] == 0 ? integer[1..] : integer).ToArray();
    }

    private static int ModulusBits(byte[] modulus) => ((modulus.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[0]));

    private static RsaHandle CreateHandle(RSAParameters parameters)
    {
        var handle = new RsaHandle();
        IntPtr rsa = RSA_new();
        if (rsa == IntPtr.Zero)
        {
            throw new CryptographicException("OpenSSL could not allocate an RSA key.");
        }

        handle.SetHandle(rsa);
        IntPtr n = BN_bin2bn(parameters.Modulus!, parameters.Modulus!.Length, IntPtr.Zero);
        IntPtr e = BN_bin2bn(parameters.Exponent!, parameters.Exponent!.Length, IntPtr.Zero);
        // RSA_set0_key takes ownership of both numbers on success only.
        if (n == IntPtr.Zero || e == IntPtr.Zero || RSA_set0_key(rsa, n, e, IntPtr.Zero) != 1)
        {
            BN_free(n);
            BN_free(e);
            ERR_clear_error();
            handle.Dispose();
            throw new CryptographicException("OpenSSL could not build the RSA key.");
        }

        return handle;
    }

    private static int DigestNid(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA256" => 672,
        "SHA384" => 673,
        "SHA512" => 674,
        "SHA1" => 64,
        "MD5" => 4,
        _ => 0,
    };

    private static bool ProbeLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            ERR_clear_error();
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport(LibCrypto)]
    private static partial IntPtr RSA_new();

    [LibraryImport(LibCrypto)]
    private static partial void RSA_free(IntPtr rsa);

    [LibraryImport(LibCrypto)]
    private static partial int RSA_set0_key(IntPtr rsa, IntPtr n, IntPtr e, IntPtr d);

    [LibraryImport(LibCrypto)]
    private static partial IntPtr BN_bin2bn(byte[] s, int len, IntPtr ret);

    [LibraryImport(LibCrypto)]
    private static partial void BN_free(IntPtr bn);

    [LibraryImport(LibCrypto)]
    private static partial int RSA_verify(int type, ReadOnlySpan<byte> m, uint mlen, ReadOnlySpan<byte> sigbuf, uint siglen, IntPtr rsa);

    [LibraryImport(LibCrypto)]
    private static partial int RSA_public_encrypt(int flen, byte[] from, byte[] to, IntPtr rsa, int padding);

    [LibraryImport(LibCrypto)]
    private static partial void ERR_clear_error();

    private sealed class RsaHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
    {
        public override bool IsInvalid => handle == IntPtr.Zero;

        public new void SetHandle(IntPtr value) => base.SetHandle(value);

        protected override bool ReleaseHandle()
        {
            RSA_free(handle);
            return true;
        }
    }
}
