using System.Globalization;
using CertBroker.Core.Audit;
using CertBroker.Core.Backends;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Approvals;

/// <summary>Who decides, for the audit trail.</summary>
/// <param name="Actor">The account's user name, <c>token:NAME</c>, or <c>system</c>.</param>
/// <param name="SourceAddress">The caller's IP address, if any.</param>
public sealed record Decider(string Actor, string? SourceAddress);
