"""Word pools for realistic Traditional Chinese names (invented, not real companies)."""

from __future__ import annotations

import random

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜"
GIVEN = "志明俊傑家豪冠宇承恩建宏淑芬美玲雅婷怡君佩珊宗翰彥廷柏翰欣怡宜蓁佳穎詩涵昱廷凱文秀英麗華文雄國華"

COMPANY_HEADS = [
    "雲翔", "智匯", "數位橋", "宏遠網", "新碩", "群英", "鼎盛雲", "易點", "快點", "享樂", "聚鼎", "聯心雲",
    "星宇", "恆達", "光點", "微笑", "青田", "藍海", "晨曦", "富原網", "凌雲", "大觀雲", "東昇智", "商研",
    "點石", "合宜", "好客", "慧眼", "綠洲", "極光", "樂活", "泰山", "立品", "安捷", "全心網", "嘉信",
]
COMPANY_MIDS = ["資訊", "科技", "數位", "雲端", "網路", "智能", "軟體", "系統", "資通"]
COMPANY_TAILS = ["股份有限公司", "有限公司"]

SOLUTION_WORDS = {
    "crm": ["顧客管家", "客戶雲", "CRM Pro", "客服通"],
    "inventory": ["進銷存雲", "庫存通", "雲倉管", "貨暢"],
    "hr": ["排班通", "人資雲", "打卡易", "薪資管家"],
    "pos": ["雲端收銀", "快結帳", "POS Go", "點餐收銀機"],
    "marketing": ["行銷通", "社群小幫手", "廣告雲", "LINE行銷家"],
    "loyalty": ["集點卡", "會員通", "點點樂", "熟客雲"],
    "shop": ["開店平台", "網店快手", "一頁商店", "電商雲"],
    "booking": ["訂位通", "預約易", "排隊不用等", "線上訂位"],
    "other": ["數據儀表板", "發票整合", "外送整合", "智慧看板"],
}

STORE_HEADS = [
    "阿明", "老張", "好味", "小確幸", "巷口", "日日", "山城", "海港", "幸福", "春日", "鹿港", "大稻埕",
    "永康", "赤崁", "府城", "田園", "小巷", "晴天", "月光", "森林", "轉角", "初心", "一品", "佳佳",
    "阿嬤", "東門", "西門", "南門", "北埔", "三峽", "九份", "淡水", "美濃", "旗津", "礁溪", "池上",
]
STORE_KINDS = {
    "零售業": ["雜貨店", "書店", "花店", "服飾", "文具行", "茶行", "眼鏡行", "手作選物"],
    "餐飲業": ["咖啡", "麵館", "早餐店", "牛肉麵", "便當", "豆花", "火鍋", "小吃", "烘焙坊"],
    "休憩服務業": ["民宿", "桌遊館", "露營區", "KTV", "健身房"],
    "生活服務業": ["美髮", "洗衣店", "寵物美容", "修鞋", "照相館", "按摩"],
}
CITIES = ["臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "基隆市", "新竹市", "嘉義市",
          "新竹縣", "苗栗縣", "彰化縣", "南投縣", "雲林縣", "嘉義縣", "屏東縣", "宜蘭縣", "花蓮縣", "臺東縣"]
ROADS = ["中山路", "中正路", "民生路", "民族路", "和平路", "復興路", "光復路", "成功路", "信義路", "仁愛路"]
DISTRICTS = [("大稻埕商圈", "臺北市"), ("一中商圈", "臺中市"), ("新堀江商圈", "高雄市"), ("正興街商圈", "臺南市")]
AFFILIATIONS = ["國立臺灣大學資訊管理學系", "國立政治大學資訊管理學系", "國立成功大學工業與資訊管理學系",
                "資訊工業策進會", "工業技術研究院", "中華民國資訊軟體協會", "國立臺北科技大學資訊工程系",
                "台灣連鎖暨加盟協會", "國立中央大學企業管理學系", "商業發展研究院"]


def person(rng: random.Random) -> str:
    i = rng.randrange(0, len(GIVEN) // 2) * 2
    return rng.choice(SURNAMES) + GIVEN[i : i + 2]


def company(rng: random.Random, n: int) -> str:
    head = COMPANY_HEADS[n % len(COMPANY_HEADS)]
    mid = COMPANY_MIDS[(n // len(COMPANY_HEADS)) % len(COMPANY_MIDS)]
    serial = n // (len(COMPANY_HEADS) * len(COMPANY_MIDS))
    suffix = f"第{serial + 1}" if serial else ""
    return f"{head}{mid}{suffix}{rng.choice(COMPANY_TAILS)}"


def store(rng: random.Random, industry: str, n: int) -> str:
    head = STORE_HEADS[n % len(STORE_HEADS)]
    kind = rng.choice(STORE_KINDS[industry])
    return f"{head}{kind}{n // len(STORE_HEADS) + 1}號店" if n >= len(STORE_HEADS) else f"{head}{kind}"


def address(rng: random.Random, city: str) -> str:
    return f"{city}{rng.choice(ROADS)}{rng.randint(1, 3)}段{rng.randint(1, 300)}號"
