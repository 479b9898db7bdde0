using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;

namespace CertBroker.Scep.Cms;

/// <summary>
/// A CMS content-encryption algorithm (RFC 5652 §6.1 encryptedContentInfo). AES runs on .NET's OpenSSL-backed
/// implementation; DES, 3DES and RC2 run on BouncyCastle because OpenSSL 3 only offers them through its legacy provider,
/// and legacy clients (micromdm scepclient, old routers and MFDs) still send them.
/// </summary>
public sealed class ContentEncryptionAlgorithm
{
    public static readonly ContentEncryptionAlgorithm DesCbc = new(Oids.DesCbc, "DES-CBC", 8, 8);
    public static readonly ContentEncryptionAlgorithm DesEde3Cbc = new(Oids.DesEde3Cbc, "3DES-CBC", 24, 8);
    public static readonly ContentEncryptionAlgorithm Aes128Cbc = new(Oids.Aes128Cbc, "AES-128-CBC", 16, 16);
    public static readonly ContentEncryptionAlgorithm Aes192Cbc = new(Oids.Aes192Cbc, "AES-192-CBC", 24, 16);
    public static readonly ContentEncryptionAlgorithm Aes256Cbc = new(Oids.Aes256Cbc, "AES-256-CBC", 32, 16);

    /// <summary>RC2-CBC with a 128-bit key; its effective key length is read from the parameters when decrypting.</summary>
    public static readonly ContentEncryptionAlgorithm Rc2Cbc = new(Oids.Rc2Cbc, "RC2-CBC", 16, 8);

    private ContentEncryptionAlgorithm(string oid, string name, int keySize, int blockSize)
    {
        Oid = oid;
        Name = name;
        KeySize = keySize;
        BlockSize = blockSize;
    }

    public string Oid { get; }

    /// <summary>Name for logs and the store, e.g. "AES-256-CBC".</summary>
    public string Name { get; }

    /// <summary>Key length in bytes.</summary>
    public int KeySize { get; }

    public int BlockSize { get; }

    public bool IsAes => Oid is Oids.Aes128Cbc or Oids.Aes192Cbc or Oids.Aes256Cbc;

    public override string ToString() => Name;

    public static ContentEncryptionAlgorithm FromOid(string oid) => oid switch
    {
        Oids.Aes128Cbc => Aes128Cbc,
        Oids.Aes192Cbc => Aes192Cbc,
        Oids.Aes256Cbc => Aes256Cbc,
        Oids.DesEde3Cbc => DesEde3Cbc,
        Oids.DesCbc => DesCbc,
        Oids.Rc2Cbc => Rc2Cbc,
        _ => throw new ScepFailureException(FailInfo.BadAlg, $"Unsupported content-encryption algorithm {oid}."),
    };

    /// <summary>Decrypts CBC ciphertext with PKCS#7 padding; <paramref name="parameters"/> is the encoded AlgorithmIdentifier parameters.</summary>
    public byte[] Decrypt(byte[] key, ReadOnlyMemory<byte> parameters, ReadOnlySpan<byte> ciphertext)
    {
        // RC2 takes keys of 1 to 128 bytes (RFC 2268 §2); BouncyCastle indexes out of its key table beyond that.
        if (Oid == Oids.Rc2Cbc ? key.Length is < 1 or > 128 : key.Length != KeySize)
        {
            throw new ScepFailureException(
                FailInfo.BadMessageCheck, $"{Name} key has {key.Length} bytes, expected {(Oid == Oids.Rc2Cbc ? "1 to 128" : KeySize)}.");
        }

        (byte[] iv, int rc2Bits) = ReadParameters(parameters, key.Length);
        if (IsAes)
        {
            using var aes = Aes.Create();
            aes.Key = key;
            return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
        }

        return RunBouncyCastle(forEncryption: false, key, iv, rc2Bits, ciphertext);
    }

    /// <summary>Encrypts with a fresh random key and IV; returns the key, the encoded parameters and the ciphertext.</summary>
    public (byte[] Key, byte[] Parameters, byte[] Ciphertext) Encrypt(ReadOnlySpan<byte> plaintext)
    {
        byte[] key = RandomNumberGenerator.GetBytes(KeySize);
        if (Oid == Oids.DesCbc || Oid == Oids.DesEde3Cbc)
        {
            DesParameters.SetOddParity(key);
        }

        byte[] iv = RandomNumberGenerator.GetBytes(BlockSize);
        byte[] ciphertext;
        if (IsAes)
        {
            using var aes = Aes.Create();
            aes.Key = key;
            ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
        }
        else
        {
            ciphertext = RunBouncyCastle(forEncryption: true, key, iv, key.Length * 8, plaintext);
        }

        return (key, WriteParameters(iv, key.Length * 8), ciphertext);
    }

    private byte[] RunBouncyCastle(bool forEncryption, byte[] key, byte[] iv, int rc2Bits, ReadOnlySpan<byte> input)
    {
        IBlockCipher engine;
        ICipherParameters keyParameters;
        try
        {
            (engine, keyParameters) = Oid switch
            {
                Oids.DesCbc => ((IBlockCipher)new DesEngine(), (ICipherParameters)new DesParameters(key)),
                Oids.DesEde3Cbc => (new DesEdeEngine(), new DesEdeParameters(key)),
                _ => (new RC2Engine(), new RC2Parameters(key, rc2Bits)),
            };
        }
        catch (ArgumentException ex)
        {
            // BouncyCastle refuses weak DES and 3DES keys; the sender chose the key, so this is a failed decryption.
            throw new CryptographicException("Content-encryption key refused.", ex);
        }

        var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(engine), new Pkcs7Padding());
        cipher.Init(forEncryption, new ParametersWithIV(keyParameters, iv));
        try
        {
            byte[] inputArray = input.ToArray();
            byte[] output = new byte[cipher.GetOutputSize(inputArray.Length)];
            int length = cipher.ProcessBytes(inputArray, 0, inputArray.Length, output, 0);
            length += cipher.DoFinal(output, length);
            return length == output.Length ? output : output.AsSpan(0, length).ToArray();
        }
        catch (InvalidCipherTextException ex)
        {
            throw new CryptographicException("Content decryption failed.", ex);
        }
        catch (DataLengthException ex)
        {
            throw new CryptographicException("Content decryption failed.", ex);
        }
    }

    // RC2 parameter versions (RFC 8018 Appendix B.2.3): 160 = 40 bits, 120 = 64 bits, 58 = 128 bits, >= 256 = that many
    // bits, up to RC2's maximum of 1024 effective bits (RFC 2268 §2).
    private static int Rc2BitsFromVersion(int version) => version switch
    {
        160 => 40,
        120 => 64,
        58 => 128,
        >= 256 and <= 1024 => version,
        _ => throw new ScepFailureException(FailInfo.BadAlg, $"Unsupported RC2 parameter version {version}."),
    };

    private static int Rc2VersionFromBits(int bits) => bits switch
    {
        40 => 160,
        64 => 120,
        128 => 58,
        _ => bits,
    };

    private (byte[] Iv, int Rc2Bits) ReadParameters(ReadOnlyMemory<byte> parameters, int keyLength)
    {
        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.BER);
            if (Oid != Oids.Rc2Cbc)
            {
                byte[] iv = reader.ReadOctetString();
                if (iv.Length != BlockSize)
                {
                    throw new ScepFailureException(FailInfo.BadMessageCheck, $"{Name} IV has {iv.Length} bytes.");
                }

                return (iv, 0);
            }

            // RC2-CBCParameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING (SIZE(8)) }
            AsnReader sequence = reader.ReadSequence();
            int bits = keyLength * 8;
            if (sequence.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                sequence.TryReadInt32(out int version);
                bits = Rc2BitsFromVersion(version);
            }

            return (sequence.ReadOctetString(), bits);
        }
        catch (AsnContentException ex)
        {
            throw new ScepFailureException(FailInfo.BadMessageCheck, $"Malformed {Name} parameters.", ex);
        }
    }

    private byte[] WriteParameters(byte[] iv, int keyBits)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        if (Oid == Oids.Rc2Cbc)
        {
            using (writer.PushSequence())
            {
                writer.WriteInteger(Rc2VersionFromBits(keyBits));
                writer.WriteOctetString(iv);
            }
        }
        else
        {
            writer.WriteOctetString(iv);
        }

        return writer.Encode();
    }
}
