/** PromotionsOfChange lists the promotions of one change with their decisions and approvals (filled in once promotions exist). */
export function PromotionsOfChange(_: { changeId: string }) {
  return null;
}
