// generated API client
const base = "https://api.clickup.com/api/v2";
export async function me() {
  return fetch(base + "/user", { headers: { Authorization: "Bearer 82716857_6a13b39d44a8f6b283e4461ba10cd69a3ff3440039a4df7b152c960589617507" } });
}
