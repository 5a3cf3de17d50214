package demo

import (
	"context"
	"fmt"
	"os"
	"strings"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/datamigration"
)

// demoMaterials is the MES customer's material master as exported from
// their old system: stray spaces, lower case, full-width digits, prices
// with thousands separators, one duplicate, a missing name, a unit the
// new system does not know and a negative price.
var demoMaterials = []string{
	"物料编码,物料名称,规格型号,物料类型,基本单位,标准单价,安全库存,备注",
	"M10001,六角螺栓,M8×30,原材料,个,0.35,500,",
	" m10002 ,平垫圈,Φ8,原材料,个,0.05,1000,",
	"Ｍ10003,弹簧垫圈,Φ8,原材料,个,0.08,1000,",
	"M10004,冷轧钢板,1.0mm,原材料,kg,\"6,850.00\",2,按吨采购",
	"M10005,主轴箱体,HT250,半成品,件,\"1,280.50\",10,",
	"M10006,数控车床主轴,SK-40,产成品,台,\"38,600\",1,",
	"M10001,六角螺栓(重复),M8×30,原材料,个,0.35,500,老系统重复",
	"M10007,,M10,原材料,个,0.40,200,名称缺失",
	"M10008,密封圈,NBR-20,原材料,打,1.20,50,单位不在清单",
	"M10009,铜套,QSn6.5,原材料,个,-3.50,20,单价为负",
	"M10010,包装箱,600×400,周转材料,只,12.00,30,",
}

// demoBOM: two lines point at materials the master does not have.
var demoBOM = []string{
	"父项物料编码,BOM 版本,行号,子项物料编码,单位用量,单位",
	"M10006,V1,10,M10005,1,件",
	"M10006,V1,20,M10001,8,个",
	"M10006,V1,30,M10002,8,个",
	"M10006,V1,40,M10099,2,个",
	"M10005,V1,10,M10004,12.5,kg",
	"M10005,V1,20,M10088,1,个",
}

// LoadDataMigration gives the first demo project two migration objects
// from the standard library (物料主数据 and a BOM that looks up its
// material codes) and runs the customer's files through them: the
// material run has rejected rows, the BOM run rejects the lines whose
// materials are not in the master. Call it after the projects exist.
func LoadDataMigration(ctx context.Context, a *app.App, projectIDs []int64) error {
	if len(projectIDs) == 0 {
		return nil
	}
	id := projectIDs[0]
	pm, err := projectPM(ctx, a, id)
	if err != nil {
		return err
	}
	s := a.DataMigration
	for _, step := range []struct {
		key   string
		name  string
		lines []string
	}{
		{"material", "物料主数据-旧系统导出.csv", demoMaterials},
		{"bom", "BOM-主轴产品.csv", demoBOM},
	} {
		o, err := s.CreateObject(ctx, pm, id, datamigration.ObjectInput{LibraryKey: step.key})
		if err != nil {
			return fmt.Errorf("object %s: %w", step.key, err)
		}
		if err := demoRun(ctx, s, pm, id, o.ID, step.name, strings.Join(step.lines, "\n")+"\n"); err != nil {
			return fmt.Errorf("run of %s: %w", step.key, err)
		}
	}
	return nil
}

func demoRun(ctx context.Context, s *datamigration.Service, p *access.Principal, projectID, objectID int64, name, data string) error {
	f, err := os.CreateTemp("", "golive-demo-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	r, err := s.Upload(ctx, p, projectID, objectID, &datamigration.Spooled{Path: f.Name(), Name: name, Size: int64(len(data))})
	if err != nil {
		return err
	}
	if _, err := s.Start(ctx, p, projectID, r.ID, r.Mapping); err != nil {
		return err
	}
	s.Wait()
	return nil
}
