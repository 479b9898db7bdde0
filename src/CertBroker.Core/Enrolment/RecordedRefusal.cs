using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>A refusal to be stored; <paramref name="RenewalOf"/> is the certificate whose renewal it refuses.</summary>
public sealed record RecordedRefusal(string? RenewalOf);
