import type { AzureRoleDefinitionRecord, DirectoryRoleRecord } from "../state/model";

/**
 * Built-in role definitions with Microsoft's real ids, so clients that hard-code a template id
 * (e.g. Global Administrator) or a role definition GUID (e.g. Contributor) see the same value here.
 * Every tenant holds all built-ins; a scenario only declares its custom roles.
 */
export const builtInDirectoryRoles: readonly DirectoryRoleRecord[] = [
  dr(
    "62e90394-69f5-4237-9190-012177145e10",
    "Global Administrator",
    "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
  ),
  dr(
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    "Global Reader",
    "Can read everything that a Global Administrator can, but not update anything.",
  ),
  dr(
    "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "Privileged Role Administrator",
    "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
  ),
  dr(
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "Privileged Authentication Administrator",
    "Can access to view, set and reset authentication method information for any user (admin or non-admin).",
  ),
  dr(
    "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "Security Administrator",
    "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.",
  ),
  dr(
    "5d6b6bb7-de71-4623-b4af-96380a352509",
    "Security Reader",
    "Can read security information and reports in Microsoft Entra ID and Office 365.",
  ),
  dr("5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", "Security Operator", "Creates and manages security events."),
  dr(
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
    "Conditional Access Administrator",
    "Can manage Conditional Access capabilities.",
  ),
  dr(
    "29232cdf-9323-42fd-ade2-1d097af3e4de",
    "Exchange Administrator",
    "Can manage all aspects of the Exchange product.",
  ),
  dr(
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
    "SharePoint Administrator",
    "Can manage all aspects of the SharePoint service.",
  ),
  dr("69091246-20e8-4a56-aa4d-066075b2a7a8", "Teams Administrator", "Can manage the Microsoft Teams service."),
  dr(
    "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "User Administrator",
    "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
  ),
  dr(
    "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    "Helpdesk Administrator",
    "Can reset passwords for non-administrators and Helpdesk Administrators.",
  ),
  dr(
    "966707d0-3269-4727-9be2-8c3a10f19b9d",
    "Password Administrator",
    "Can reset passwords for non-administrators and Password Administrators.",
  ),
  dr(
    "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    "Authentication Administrator",
    "Can access to view, set and reset authentication method information for any non-admin user.",
  ),
  dr(
    "fdd7a751-b60b-444a-984c-02652fe8fa1c",
    "Groups Administrator",
    "Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.",
  ),
  dr(
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "Application Administrator",
    "Can create and manage all aspects of app registrations and enterprise apps.",
  ),
  dr(
    "158c047a-c907-4556-b7ef-446551a6b5f7",
    "Cloud Application Administrator",
    "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.",
  ),
  dr(
    "cf1c38e5-3621-4004-a7cb-879624dced7c",
    "Application Developer",
    "Can create application registrations independent of the 'Users can register applications' setting.",
  ),
  dr("3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator", "Can manage all aspects of the Intune product."),
  dr(
    "7698a772-787b-4ac8-901f-60d6b08affd2",
    "Cloud Device Administrator",
    "Limited access to manage devices in Microsoft Entra ID.",
  ),
  dr(
    "17315797-102d-40b4-93e0-432062caca18",
    "Compliance Administrator",
    "Can read and manage compliance configuration and reports in Microsoft Entra ID and Microsoft 365.",
  ),
  dr(
    "b0f54661-2d74-4c50-afa3-1ec803f12efe",
    "Billing Administrator",
    "Can perform common billing related tasks like updating payment information.",
  ),
  dr(
    "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
    "License Administrator",
    "Can manage product licenses on users and groups.",
  ),
  dr("4a5d8f65-41da-4de4-8968-e035b65339cf", "Reports Reader", "Can read sign-in and audit reports."),
  dr(
    "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",
    "Message Center Reader",
    "Can read messages and updates for their organization in Message Center only.",
  ),
  dr(
    "f023fd81-a637-4b56-95fd-791ac0226033",
    "Service Support Administrator",
    "Can read service health information and manage support tickets.",
  ),
  dr(
    "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
    "Directory Readers",
    "Can read basic directory information. Commonly used to grant directory read access to applications and guests.",
  ),
  dr(
    "9360feb5-f418-4baa-8175-e2a00bac4301",
    "Directory Writers",
    "Can read and write basic directory information. For granting access to applications, not intended for users.",
  ),
  dr(
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
    "Hybrid Identity Administrator",
    "Can manage AD to Microsoft Entra cloud provisioning, Microsoft Entra Connect, and federation settings.",
  ),
  dr(
    "0526716b-113d-4c15-b2c8-68e3c22b9f80",
    "Authentication Policy Administrator",
    "Can create and manage the authentication methods policy, tenant-wide MFA settings, password protection policy, and verifiable credentials.",
  ),
  dr(
    "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e",
    "Identity Governance Administrator",
    "Manage access using Microsoft Entra ID for identity governance scenarios.",
  ),
  dr(
    "11648597-926c-4cf3-9c36-bcebb0ba8dcc",
    "Power Platform Administrator",
    "Can create and manage all aspects of Microsoft Dynamics 365, Power Apps and Power Automate.",
  ),
  dr(
    "e3973bdf-4987-49ae-837a-ba8e231c7286",
    "Azure DevOps Administrator",
    "Can manage Azure DevOps policies and settings.",
  ),
  dr(
    "44367163-eba1-44c3-98af-f5787879f96a",
    "Dynamics 365 Administrator",
    "Can manage all aspects of the Dynamics 365 product.",
  ),
  dr(
    "8329153b-31d0-4727-b945-745eb3bc5f31",
    "Domain Name Administrator",
    "Can manage domain names in cloud and on-premises.",
  ),
  dr(
    "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d",
    "Attribute Assignment Administrator",
    "Assign custom security attribute keys and values to supported Microsoft Entra objects.",
  ),
];

export const builtInAzureRoles: readonly AzureRoleDefinitionRecord[] = [
  ar(
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Owner",
    "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
  ),
  ar(
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Contributor",
    "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
  ),
  ar(
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Reader",
    "View all resources, but does not allow you to make any changes.",
  ),
  ar(
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "User Access Administrator",
    "Lets you manage user access to Azure resources.",
  ),
  ar(
    "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Administrator",
    "Perform all data plane operations on a key vault and all objects in it.",
  ),
  ar(
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Secrets Officer",
    "Perform any action on the secrets of a key vault, except manage permissions.",
  ),
  ar("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", "Read secret contents."),
  ar(
    "21090545-7ca7-4776-b22c-e363652d74d2",
    "Key Vault Reader",
    "Read metadata of key vaults and its certificates, keys, and secrets.",
  ),
  ar(
    "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
    "Virtual Machine Contributor",
    "Create and manage virtual machines, manage disks, install and run software.",
  ),
  ar(
    "1c0163c0-47e6-4577-8991-ea5c82e286e4",
    "Virtual Machine Administrator Login",
    "View Virtual Machines in the portal and login as administrator.",
  ),
  ar(
    "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Network Contributor",
    "Lets you manage networks, but not access to them.",
  ),
  ar("17d1049b-9a84-46fb-8f53-869881c3d3ab", "Storage Account Contributor", "Permits management of storage accounts."),
  ar(
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Contributor",
    "Read, write, and delete Azure Storage containers and blobs.",
  ),
  ar(
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Reader",
    "Read and list Azure Storage containers and blobs.",
  ),
  ar(
    "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec",
    "SQL DB Contributor",
    "Lets you manage SQL databases, but not access to them.",
  ),
  ar(
    "de139f84-1756-47ae-9be6-808fbbe84772",
    "Website Contributor",
    "Lets you manage websites (not web plans), but not access to them.",
  ),
  ar("fb1c8493-542b-48eb-b624-b4c8fea62acd", "Security Admin", "Security Admin Role."),
  ar("39bc4728-0917-49c7-9d2c-d95423bc2eb4", "Security Reader", "Security Reader Role."),
  ar("43d0d8ad-25c7-4714-9337-8ba259a9fe05", "Monitoring Reader", "Can read all monitoring data."),
  ar(
    "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
    "Monitoring Contributor",
    "Can read all monitoring data and update monitoring settings.",
  ),
  ar(
    "73c42c96-874c-492b-b04d-ab87d138a893",
    "Log Analytics Reader",
    "Can view all monitoring data and monitoring settings.",
  ),
  ar(
    "92aaf0da-9dab-42b6-94a3-d43ce8d16293",
    "Log Analytics Contributor",
    "Can read all monitoring data and edit monitoring settings.",
  ),
  ar(
    "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
    "Azure Kubernetes Service Cluster Admin Role",
    "List cluster admin credential action.",
  ),
  ar("72fafb9e-0641-4937-9268-a91bfd8191a3", "Cost Management Reader", "Can view cost data and configuration."),
  ar("5d58bcaf-24a5-4b20-bdb6-eed9f69fbe4c", "Management Group Contributor", "Management Group Contributor Role."),
  ar("ac63b705-f282-497d-ac71-919bf39d939d", "Management Group Reader", "Management Group Reader Role."),
  ar("ab8e14d6-4a74-4a29-9ba8-549422addade", "Microsoft Sentinel Contributor", "Microsoft Sentinel Contributor."),
  ar("8d289c81-5878-46d4-8554-54e1e3d8b5cb", "Microsoft Sentinel Reader", "Microsoft Sentinel Reader."),
];

function dr(id: string, displayName: string, description: string): DirectoryRoleRecord {
  return { id, displayName, description, isBuiltIn: true };
}

function ar(id: string, displayName: string, description: string): AzureRoleDefinitionRecord {
  return { id, displayName, description, type: "BuiltInRole" };
}
