namespace Impact60.Application.Configuration;

/// <summary>
/// Every Azure Storage container, queue and table the app uses, in one place. infra/main.bicep creates exactly
/// these (the infrastructure tests compare the compiled template with this class), so a name added here without
/// the Bicep, or the other way round, fails the build instead of the first night in Azure.
/// </summary>
public static class StorageNames
{
    public static class Containers
    {
        /// <summary>Where the jobcenter drops register extract files; each drop is announced on <see cref="Queues.Ingest"/>.</summary>
        public const string RegisterInbox = "register-inbox";

        /// <summary>Raw register deliveries archived by SHA-256. WORM: Bogføringsloven § 12 retention.</summary>
        public const string Evidence = "evidence";

        /// <summary>Quarantine reports for rejected register rows.</summary>
        public const string Quarantine = "quarantine";

        /// <summary>Issued invoices and credit notes (JSON, e-invoice XML, PDF). WORM: Bogføringsloven § 12 retention.</summary>
        public const string Documents = "documents";

        /// <summary>The Flex Consumption deployment package (written by azd/the platform, not by the app).</summary>
        public const string Deployments = "deployments";

        public static IReadOnlyList<string> All { get; } = [RegisterInbox, Evidence, Quarantine, Documents, Deployments];
    }

    public static class Queues
    {
        /// <summary>One message per participant whose register weeks changed: recompute the entitlement.</summary>
        public const string Verify = "verify";
        public const string VerifyPoison = "verify-poison";

        /// <summary>One message per notice (e-mail) to send.</summary>
        public const string Notices = "notices";
        public const string NoticesPoison = "notices-poison";

        /// <summary>One message per register extract file dropped in <see cref="Containers.RegisterInbox"/>.</summary>
        public const string Ingest = "ingest";
        public const string IngestPoison = "ingest-poison";

        public static IReadOnlyList<string> All { get; } = [Verify, VerifyPoison, Notices, NoticesPoison, Ingest, IngestPoison];
    }

    public static class Tables
    {
        public const string Referrals = "Referrals";
        public const string RegisterWeeks = "RegisterWeeks";
        public const string Deliveries = "Deliveries";
        public const string Cursors = "Cursors";
        public const string Entitlements = "Entitlements";
        public const string Ledger = "Ledger";
        public const string DocumentNumbers = "DocumentNumbers";
        public const string NoticesSent = "NoticesSent";

        public static IReadOnlyList<string> All { get; } =
            [Referrals, RegisterWeeks, Deliveries, Cursors, Entitlements, Ledger, DocumentNumbers, NoticesSent];
    }
}
